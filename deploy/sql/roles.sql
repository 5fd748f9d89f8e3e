-- Warehouse schemas and roles. Applied by `mevhouse warehouse init` as the administrator (the
-- embedded server's superuser); safe to run again. Each stage then connects as its own role:
-- dlt and the checks as mevhouse_loader, dbt, the exports and the run summary as
-- mevhouse_transformer, Dagster's own storage as mevhouse_dagster, BI tools as mevhouse_bi.
-- On the embedded server mevhouse gives the roles generated passwords; on a shared server an
-- administrator sets them (ALTER ROLE ... PASSWORD ...) or maps them to SSO users.

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
    if not exists (select 1 from pg_roles where rolname = 'mevhouse_dagster') then
        create role mevhouse_dagster login;
    end if;
end
$$;

-- An administrator who is not a superuser (a managed PostgreSQL) joins the stage roles: it can
-- then hand them their schemas below and still evolve everything when a stage uses its URL.
do $$
begin
    if not (select rolsuper from pg_roles where rolname = current_user) then
        execute format(
            'grant mevhouse_loader, mevhouse_transformer, mevhouse_dagster to %I', current_user
        );
    end if;
end
$$;

-- The loader owns raw (dlt creates and evolves its tables and state there, and its merge
-- staging datasets) and quarantine; the transformer owns what dbt builds; Dagster's runs,
-- events and schedules live in `dagster` (orchestration/instance.py), which reads no data.
create schema if not exists raw_solana authorization mevhouse_loader;
create schema if not exists raw_jito authorization mevhouse_loader;
-- The block-level tables' epoch partitions (ingestion/blocks/partitions.py), read through them.
create schema if not exists raw_solana_partitions authorization mevhouse_loader;
create schema if not exists raw_solana_staging authorization mevhouse_loader;
create schema if not exists raw_jito_staging authorization mevhouse_loader;
create schema if not exists quarantine authorization mevhouse_loader;
create schema if not exists staging authorization mevhouse_transformer;
create schema if not exists intermediate authorization mevhouse_transformer;
create schema if not exists marts authorization mevhouse_transformer;
-- `mevhouse run`'s ledger of what each epoch's runs built (orchestration/ledger.py).
create schema if not exists mevhouse authorization mevhouse_transformer;
create schema if not exists dagster authorization mevhouse_dagster;

-- Schemas and tables made before the roles were used (by the administrator) change hands.
do $$
declare
    item record;
begin
    for item in
        select n.nspname as schema_name, c.relname, c.relkind, n.nspowner, c.relowner,
            case
                when n.nspname in ('staging', 'intermediate', 'marts', 'mevhouse')
                    then 'mevhouse_transformer'
                when n.nspname = 'dagster' then 'mevhouse_dagster'
                else 'mevhouse_loader'
            end as owner
        from pg_namespace as n
        left join pg_class as c
            on c.relnamespace = n.oid and c.relkind in ('r', 'p', 'v', 'm')
        where n.nspname in (
            'raw_solana', 'raw_solana_partitions', 'raw_jito', 'raw_solana_staging',
            'raw_jito_staging', 'quarantine', 'staging', 'intermediate', 'marts', 'mevhouse',
            'dagster'
        )
    loop
        if item.nspowner <> item.owner::regrole then
            execute format('alter schema %I owner to %I', item.schema_name, item.owner);
        end if;
        if item.relname is not null and item.relowner <> item.owner::regrole then
            execute format(
                'alter %s %I.%I owner to %I',
                case item.relkind when 'v' then 'view' when 'm' then 'materialized view'
                    else 'table' end,
                item.schema_name, item.relname, item.owner
            );
        end if;
    end loop;
end
$$;

-- The transformer reads raw, and quarantine to leave held rows out of staging, including
-- tables the loader creates later.
grant usage on schema raw_solana, raw_jito, quarantine to mevhouse_transformer;
grant select on all tables in schema raw_solana, raw_jito, quarantine to mevhouse_transformer;
alter default privileges for role mevhouse_loader in schema raw_solana, raw_jito, quarantine
    grant select on tables to mevhouse_transformer;

-- BI reads marts and nothing else, read-only, within a time limit, without temp objects.
revoke all on schema raw_solana, raw_jito, staging, intermediate, quarantine from mevhouse_bi;
grant usage on schema marts to mevhouse_bi;
grant select on all tables in schema marts to mevhouse_bi;
alter default privileges for role mevhouse_transformer in schema marts
    grant select on tables to mevhouse_bi;
alter role mevhouse_bi set statement_timeout = '5min';
alter role mevhouse_bi set default_transaction_read_only = on;

-- Temporary tables only for the stages that use them (dbt's incremental models do).
do $$
begin
    execute format('revoke temporary on database %I from public', current_database());
    execute format(
        'grant temporary on database %I to mevhouse_loader, mevhouse_transformer',
        current_database()
    );
end
$$;
