{#- The monthly headline metrics of fct_retention_kpis_monthly that also get
    previous_<metric> and <metric>_change (one list for the model and the
    test that recomputes them). -#}
{% macro headline_metrics() -%}
    {{ return([
        'mrr', 'arr', 'arpa', 'paying_customers', 'customer_churn_rate',
        'nrr_monthly', 'grr_monthly', 'active_users', 'stickiness_ratio',
        'account_activation_rate', 'nps', 'csat_rate',
        'tickets_per_100_paying_customers', 'repeat_purchase_rate',
        'checkout_abandonment_rate', 'email_open_rate', 'dso_days', 'cac',
        'ltv_to_cac_ratio'
    ]) }}
{%- endmacro %}
