-- Warehouse schemas and roles. Applied by `mevhouse warehouse init`; safe to run again.
-- Roles are created without passwords: on a shared server, an administrator sets them
-- (ALTER ROLE ... PASSWORD ...) or maps them to SSO users.

create schema if not exists raw_solana;
create schema if not exists raw_jito;
create schema if not exists staging;
create schema if not exists intermediate;
create schema if not exists marts;
create schema if not exists quarantine;

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'mevhouse_loader') then
        create role mevhouse_loader login;
    end if;
    if not exists (select 1 from pg_roles where rolname = 'mevhouse_transformer') then
        create role mevhouse_transformer login;
    end if;
    if not exists (select 1 from pg_roles where rolname = 'mevhouse_bi') then
        create role mevhouse_bi login;
    end if;
end
$$;

-- The loader writes the raw schemas (dlt creates its tables and state there) and quarantine.
grant usage, create on schema raw_solana, raw_jito, quarantine to mevhouse_loader;
grant select, insert, update, delete on all tables in schema raw_solana, raw_jito, quarantine
    to mevhouse_loader;

-- The transformer reads raw and owns the dbt schemas.
grant usage on schema raw_solana, raw_jito to mevhouse_transformer;
grant select on all tables in schema raw_solana, raw_jito to mevhouse_transformer;
grant usage, create on schema staging, intermediate, marts to mevhouse_transformer;
alter default privileges in schema raw_solana, raw_jito grant select on tables
    to mevhouse_transformer;

-- BI reads marts and nothing else: tables created later by whoever runs init inherit the grant.
revoke all on schema raw_solana, raw_jito, staging, intermediate, quarantine from mevhouse_bi;
grant usage on schema marts to mevhouse_bi;
grant select on all tables in schema marts to mevhouse_bi;
alter default privileges in schema marts grant select on tables to mevhouse_bi;
