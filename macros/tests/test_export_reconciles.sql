{#- Generic test on util_export_reconciliation: for every export,
    raw rows = staged rows + quarantined rows + exact duplicates removed. -#}
{% test export_reconciles(model) %}

with

reconciliation as (

    select * from {{ model }}

)

select * from reconciliation

where raw_rows
    != staged_rows + quarantined_rows + duplicate_rows_removed

{% endtest %}
