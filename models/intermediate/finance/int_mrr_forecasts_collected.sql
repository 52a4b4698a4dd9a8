{# One row per forecast origin and month ahead: the MRR forecasts, computed
   in Python (retention_lib.mrr_forecast.fit_from_inputs): on DuckDB by the
   dbt Python model int_mrr_forecast_computed; on PostgreSQL and Spark by
   the CLI, which hands the rows to this model in var mrr_forecast_rows,
   as it does the lifetime-value fits. fct_mrr_forecast_monthly and
   fct_mrr_forecast_backtest read it. #}

{%- set computed = var('mrr_forecast_rows', none) %}

{%- set columns = [
    ('months_back', dbt.type_int()), ('origin_month', 'date'),
    ('months_ahead', dbt.type_int()), ('forecast_month', 'date'),
    ('forecast_mrr', type_double()), ('forecast_mrr_p10', type_double()),
    ('forecast_mrr_p50', type_double()), ('forecast_mrr_p90', type_double()),
    ('existing_mrr', type_double()), ('known_cancelled_mrr', type_double()),
    ('new_business_mrr', type_double()),
    ('expected_existing_customers', type_double()),
    ('origin_mrr', type_double()), ('origin_customers', dbt.type_bigint()),
    ('customers_without_fit', dbt.type_bigint()),
    ('mrr_without_fit', type_double()),
    ('retained_mrr_growth_rate', type_double()),
    ('trailing_new_business_mrr', type_double()),
    ('trailing_customer_churn_rate', type_double()),
    ('trailing_months', dbt.type_int()), ('draws', dbt.type_int()),
    ('fits', dbt.type_string())] %}

{%- if computed is none %}

select {{ columns | map('first') | join(', ') }}

from {{ ref('int_mrr_forecast_computed') }}

{%- else %}

{{ literal_rows(computed, columns) }}

{%- endif %}
