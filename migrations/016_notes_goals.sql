-- Reserved for the feature named in the file name; its change fills it in (the migrator refuses gaps).
select 1;
