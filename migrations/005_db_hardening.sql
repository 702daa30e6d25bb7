-- Reserved for the database hardening work of issue 7 (filled in by that change).
select 1;
