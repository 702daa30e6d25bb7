-- Issue 9, the staff workspace. It needs no new table or column: this number was given to it, and later migrations
-- count on it being taken (the migrator refuses gaps). What it records is where the workspace reads caseloads from.
comment on table caseloads is 'Which worker holds which citizen: a worker''s Borgere screen, and the caseload column of the coordinator''s Personer screen.';
