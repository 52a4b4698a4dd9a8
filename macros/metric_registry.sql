{#- The metric registry: one line per headline metric, the one list that
    fct_headline_metrics_monthly is generated from, that the columns of
    fct_retention_kpis_monthly, their previous_/_change columns and the
    semantic-layer metrics are checked against
    (tests/python/test_metric_registry.py), and that the data test
    fct_headline_metrics_monthly__matches_kpis compares value by value.
    retention_lib.registry reads the same YAML from this file.

    name          the metric (metric_name; the column of
                  fct_retention_kpis_monthly when wide)
    model         the model that defines it (its definition is that
                  column's description in the lineage docs)
    column        the model's column (default: name)
    month         the model's month column (default: date_month)
    where         the filter that keeps the model's whole-business row:
                  `all` means dimension_name = 'all'; else a SQL condition
    unit          amount (reporting currency), count, rate (a share, 0..1
                  unless stated), ratio, days, hours, months or score
    when_missing  zero: a month without a row in the model reads 0 (a
                  count or amount of nothing), else NULL
    covered_by    the raw export (events, tickets, orders, ...) without a
                  staged row of which the value is NULL, not 0: an absent
                  system is not inactivity
    trend         true: fct_retention_kpis_monthly also publishes
                  previous_<name> and <name>_change
    wide          true: a column of fct_retention_kpis_monthly v1 (a
                  published interface: add, never drop). A new metric
                  needs only this line: it appears in
                  fct_headline_metrics_monthly with its previous value
                  and change. -#}
{% macro metric_registry() -%}
{%- set registry_yaml -%}
# subscription revenue: the slice all of the MRR mart
- {name: mrr, model: fct_mrr_by_dimension_monthly, where: all, unit: amount, when_missing: zero, trend: true, wide: true}
- {name: arr, model: fct_retention_kpis_monthly, unit: amount, trend: true, wide: true}
- {name: arpa, model: fct_mrr_by_dimension_monthly, where: all, unit: amount, trend: true, wide: true}
- {name: paying_customers, model: fct_mrr_by_dimension_monthly, where: all, unit: count, when_missing: zero, trend: true, wide: true}
- {name: mrr_start, model: fct_mrr_by_dimension_monthly, where: all, unit: amount, when_missing: zero, wide: true}
- {name: new_mrr, model: fct_mrr_by_dimension_monthly, where: all, unit: amount, when_missing: zero, wide: true}
- {name: reactivation_mrr, model: fct_mrr_by_dimension_monthly, where: all, unit: amount, when_missing: zero, wide: true}
- {name: expansion_mrr, model: fct_mrr_by_dimension_monthly, where: all, unit: amount, when_missing: zero, wide: true}
- {name: contraction_mrr, model: fct_mrr_by_dimension_monthly, where: all, unit: amount, when_missing: zero, wide: true}
- {name: churn_mrr, model: fct_mrr_by_dimension_monthly, where: all, unit: amount, when_missing: zero, wide: true}
- {name: paying_customers_start, model: fct_mrr_by_dimension_monthly, where: all, unit: count, when_missing: zero, wide: true}
- {name: new_customers, model: fct_mrr_by_dimension_monthly, where: all, unit: count, when_missing: zero, wide: true}
- {name: reactivated_customers, model: fct_mrr_by_dimension_monthly, where: all, unit: count, when_missing: zero, wide: true}
- {name: expansion_customers, model: fct_mrr_by_dimension_monthly, where: all, unit: count, when_missing: zero, wide: true}
- {name: contraction_customers, model: fct_mrr_by_dimension_monthly, where: all, unit: count, when_missing: zero, wide: true}
- {name: churned_customers, model: fct_mrr_by_dimension_monthly, where: all, unit: count, when_missing: zero, wide: true}
- {name: mrr_growth_rate, model: fct_retention_kpis_monthly, unit: rate, wide: true}
- {name: customer_retention_rate, model: fct_retention_kpis_monthly, unit: rate, wide: true}
- {name: customer_churn_rate, model: fct_mrr_by_dimension_monthly, where: all, unit: rate, trend: true, wide: true}
- {name: customer_churn_incl_downgrade_rate, model: fct_retention_kpis_monthly, unit: rate, wide: true}
- {name: gross_revenue_churn_rate, model: fct_retention_kpis_monthly, unit: rate, wide: true}
- {name: net_revenue_churn_rate, model: fct_retention_kpis_monthly, unit: rate, wide: true}
- {name: expansion_mrr_rate, model: fct_retention_kpis_monthly, unit: rate, wide: true}
- {name: nrr_monthly, model: fct_mrr_by_dimension_monthly, where: all, unit: rate, trend: true, wide: true}
- {name: grr_monthly, model: fct_mrr_by_dimension_monthly, where: all, unit: rate, trend: true, wide: true}
- {name: nrr_12m, model: fct_retention_kpis_monthly, unit: rate, wide: true}
- {name: grr_12m, model: fct_retention_kpis_monthly, unit: rate, wide: true}
- {name: existing_customer_revenue_growth_rate, model: fct_retention_kpis_monthly, unit: rate, wide: true}
- {name: quick_ratio, model: fct_retention_kpis_monthly, unit: ratio, wide: true}
- {name: premium_customer_share, model: fct_retention_kpis_monthly, unit: rate, wide: true}
- {name: loyal_customer_share, model: fct_retention_kpis_monthly, unit: rate, wide: true}
- {name: trailing_3m_customer_churn_rate, model: fct_mrr_by_dimension_monthly, where: all, unit: rate, wide: true}
- {name: simple_clv, model: fct_mrr_by_dimension_monthly, where: all, unit: amount, wide: true}
# product engagement and activation
- {name: active_users, model: fct_engagement_monthly, unit: count, when_missing: zero, covered_by: events, trend: true, wide: true}
- {name: active_accounts, model: fct_engagement_monthly, unit: count, when_missing: zero, covered_by: events, wide: true}
- {name: average_dau, model: fct_engagement_monthly, unit: ratio, wide: true}
- {name: stickiness_ratio, model: fct_engagement_monthly, unit: rate, trend: true, wide: true}
- {name: usage_depth, model: fct_engagement_monthly, unit: ratio, wide: true}
- {name: day_1_retention_rate, model: fct_retention_kpis_monthly, unit: rate, wide: true}
- {name: day_7_retention_rate, model: fct_retention_kpis_monthly, unit: rate, wide: true}
- {name: day_30_retention_rate, model: fct_retention_kpis_monthly, unit: rate, wide: true}
- {name: account_activation_rate, model: fct_activation_monthly, column: activation_rate, month: signup_month, where: "dimension_name = 'all' and entity_type = 'account'", unit: rate, trend: true, wide: true}
- {name: user_activation_rate, model: fct_activation_monthly, column: activation_rate, month: signup_month, where: "dimension_name = 'all' and entity_type = 'user'", unit: rate, wide: true}
# voice of the customer and support
- {name: nps_responses, model: fct_voice_of_customer_monthly, where: all, unit: count, when_missing: zero, covered_by: survey_responses, wide: true}
- {name: nps, model: fct_voice_of_customer_monthly, where: all, unit: score, trend: true, wide: true}
- {name: csat_responses, model: fct_voice_of_customer_monthly, where: all, unit: count, when_missing: zero, covered_by: survey_responses, wide: true}
- {name: csat_rate, model: fct_voice_of_customer_monthly, where: all, unit: rate, trend: true, wide: true}
- {name: ces_responses, model: fct_voice_of_customer_monthly, where: all, unit: count, when_missing: zero, covered_by: survey_responses, wide: true}
- {name: ces_score, model: fct_voice_of_customer_monthly, where: all, unit: score, wide: true}
- {name: tickets_opened, model: fct_support_monthly, where: all, unit: count, when_missing: zero, covered_by: tickets, wide: true}
- {name: first_response_hours_median, model: fct_support_monthly, where: all, unit: hours, wide: true}
- {name: resolution_hours_median, model: fct_support_monthly, where: all, unit: hours, wide: true}
- {name: open_backlog, model: fct_support_monthly, where: all, unit: count, when_missing: zero, covered_by: tickets, wide: true}
- {name: tickets_per_100_paying_customers, model: fct_retention_kpis_monthly, unit: ratio, trend: true, wide: true}
# one-off orders, email and receivables
- {name: repeat_purchase_rate, model: fct_commerce_monthly, where: all, unit: rate, trend: true, wide: true}
- {name: median_days_between_purchases, model: fct_commerce_monthly, where: all, unit: days, wide: true}
- {name: mean_days_between_purchases, model: fct_commerce_monthly, where: all, unit: days, wide: true}
- {name: product_return_rate, model: fct_commerce_monthly, where: all, unit: rate, wide: true}
- {name: checkout_abandonment_rate, model: fct_commerce_monthly, where: all, unit: rate, trend: true, wide: true}
- {name: email_open_rate, model: fct_retention_kpis_monthly, unit: rate, trend: true, wide: true}
- {name: accounts_receivable, model: fct_receivables_monthly, unit: amount, wide: true}
- {name: dso_days, model: fct_receivables_monthly, unit: days, trend: true, wide: true}
# acquisition
- {name: acquisition_spend, model: fct_acquisition_monthly, column: spend_amount, where: "acquisition_channel = 'all'", unit: amount, wide: true}
- {name: cac, model: fct_acquisition_monthly, where: "acquisition_channel = 'all'", unit: amount, trend: true, wide: true}
- {name: ltv_to_cac_ratio, model: fct_acquisition_monthly, where: "acquisition_channel = 'all'", unit: ratio, trend: true, wide: true}
- {name: cac_payback_months, model: fct_acquisition_monthly, where: "acquisition_channel = 'all'", unit: months, wide: true}
- {name: nrr_12m_base_customers, model: fct_retention_kpis_monthly, unit: count, wide: true}
- {name: fx_mrr, model: fct_mrr_by_dimension_monthly, where: all, unit: amount, when_missing: zero, wide: true}
# added after version 1 of fct_retention_kpis_monthly: in fct_headline_metrics_monthly only
- {name: orders_placed, model: fct_commerce_monthly, where: all, unit: count, when_missing: zero, covered_by: orders}
{%- endset -%}
{{ return(fromyaml(registry_yaml)) }}
{%- endmacro %}

{#- The names of the registry's metrics that fct_retention_kpis_monthly
    publishes with previous_<metric> and <metric>_change, in order. -#}
{% macro headline_metrics() -%}
    {%- set names = [] -%}
    {%- for metric in retention.metric_registry()
        if metric.wide and metric.trend -%}
        {%- do names.append(metric.name) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}
