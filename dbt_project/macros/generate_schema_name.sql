{#
    Models land in exactly the schema they configure (staging, intermediate, marts), never in
    dbt's default "<target schema>_<custom schema>"; without one, in the target's schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
