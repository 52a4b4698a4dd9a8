{# The out-of-time back-test of the churn-risk model and of the health
   score (see the yml), computed in Python
   (retention_lib.churn_risk.fit_from_inputs): on DuckDB by the dbt Python
   model int_churn_risk_backtest_computed; on PostgreSQL and Spark by the
   CLI, which hands the rows to this model in var churn_risk_backtest_rows. #}

{%- set computed = var('churn_risk_backtest_rows', none) %}

{%- set columns = [
    ('scorer', dbt.type_string()), ('section', dbt.type_string()),
    ('label', dbt.type_string()), ('observations', dbt.type_bigint()),
    ('churned_observations', dbt.type_bigint()),
    ('churn_rate', type_double()),
    ('mean_predicted_probability', type_double()),
    ('min_predicted_probability', type_double()),
    ('roc_auc', type_double()), ('roc_auc_ci_low', type_double()),
    ('roc_auc_ci_high', type_double()), ('top_decile_lift', type_double()),
    ('evaluation_snapshots', dbt.type_bigint()),
    ('first_evaluation_date', 'date'), ('last_evaluation_date', 'date'),
    ('status_reason', dbt.type_string()), ('as_of_date', 'date')] %}

{%- if computed is none %}

select
    scorer,
    section,
    label,
    observations,
    churned_observations,
    churn_rate,
    mean_predicted_probability,
    min_predicted_probability,
    roc_auc,
    roc_auc_ci_low,
    roc_auc_ci_high,
    top_decile_lift,
    evaluation_snapshots,
    first_evaluation_date,
    last_evaluation_date,
    status_reason,
    as_of_date

from {{ ref('int_churn_risk_backtest_computed') }}

{%- else %}

{{ literal_rows(computed, columns) }}

{%- endif %}
