{#- Generic test on util_export_reconciliation: fails for every export whose
    quarantined rows exceed var quarantine_max_share of its raw rows. -#}
{% test quarantine_within_threshold(model) %}

with

reconciliation as (

    select * from {{ model }}

)

select * from reconciliation

where quarantined_rows
    > {{ var('quarantine_max_share') }} * raw_rows

{% endtest %}
