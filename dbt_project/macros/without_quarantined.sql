{#
    A source relation without the rows that failed a check and are still held in quarantine
    (quarantine.<schema>__<table>, written by expectations/quarantine.py): a staging model reads
        select * from {{ without_quarantined(source('raw_solana', 'blocks')) }}
    A row is matched by its whole content, so a row fixed in raw is no longer held, and
    `mevhouse quarantine release` lets the held ones through. With nothing held, the filter
    costs one lookup; with no quarantine table (a warehouse never checked), it is the source.
#}
{% macro without_quarantined(relation) -%}
    {%- set held = none -%}
    {%- if execute -%}
        {%- set held = adapter.get_relation(
            database=relation.database,
            schema='quarantine',
            identifier=relation.schema ~ '__' ~ relation.identifier,
        ) -%}
    {%- endif -%}
    {%- if held is none -%}
        {{ relation }}
    {%- else -%}
        (
            select r.* from {{ relation }} as r
            where
                not exists (select from {{ held }} where released_at is null)
                or md5(to_jsonb(r)::text) not in (
                    select md5(q.row_data::text) from {{ held }} as q
                    where q.released_at is null
                )
        ) as {{ relation.identifier }}
    {%- endif -%}
{%- endmacro %}
