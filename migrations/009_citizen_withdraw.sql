-- The citizen can take back a request to cancel or to meet another way ("Fortryd" right after asking). The row
-- stays, as 'withdrawn', so the worker's view loses it (it is no longer open) while what happened is still known;
-- decided_by is then the citizen.
alter table change_requests drop constraint change_requests_status_check;
alter table change_requests add constraint change_requests_status_check check (status in ('open', 'accepted', 'declined', 'withdrawn'));
