{#- The raw exports of the contract as (system, export) pairs: the list that
    the reconciliation, the quarantine union and the source-count test walk.
    tests/python/test_contract.py checks it against the sources. -#}
{% macro raw_exports() -%}
    {{ return([
        ('billing', 'customers'), ('billing', 'plans'),
        ('billing', 'subscriptions'), ('billing', 'invoices'),
        ('billing', 'invoice_line_items'), ('billing', 'payments'),
        ('product', 'users'), ('product', 'events'),
        ('support', 'tickets'), ('support', 'survey_responses'),
        ('marketing', 'marketing_spend'), ('marketing', 'email_sends'),
        ('commerce', 'orders'), ('commerce', 'order_items'),
        ('commerce', 'returns'), ('commerce', 'checkouts'),
        ('reference', 'fx_rates'),
    ]) }}
{%- endmacro %}
