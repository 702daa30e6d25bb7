-- Reserved for reminder join links and medication re-planning (issue 7).
select 1;
