{# Validation of raw export `survey_responses`: one row per distinct
   raw row, typed, with quarantine_reason (see macro validate_export). #}

{% if retention.sample_data_enabled() -%}
-- depends_on: {{ ref('survey_responses') }}
{% endif -%}
{{
    retention.validate_export(
        relation=source('support', 'survey_responses'),
        export='survey_responses',
        key=['response_id'],
        columns={
            'response_id': 'string',
            'customer_id': 'string',
            'user_id': 'string',
            'survey_type': 'string',
            'score': 'integer',
            'comment': 'string',
            'responded_at': 'timestamp',
        },
        required=['customer_id', 'survey_type', 'score', 'responded_at'],
        enums={
            'survey_type': [
                'nps',
                'csat',
                'ces',
            ],
        },
        checks=[
            {
                'reason': 'out_of_range',
                'column': 'score',
                'when': (
                    "(survey_type = 'nps' and score not between 0"
                    ~ " and 10) or (survey_type = 'csat' and score "
                    ~ "not between 1 and 5) or (survey_type = 'ces'"
                    ~ " and score not between 1 and "
                    ~ var('ces_scale_max')
                    ~ ")"
                ),
            },
            {
                'reason': 'future_timestamp',
                'column': 'responded_at',
                'when': "responded_at > " ~ retention.future_cutoff(),
            },
        ],
        references=[
            {
                'column': 'customer_id',
                'relation': ref('base_billing__customers'),
                'to': 'customer_id',
            },
            {
                'column': 'user_id',
                'relation': ref('base_product__users'),
                'to': 'user_id',
            },
        ],
        personal=['comment'],
    )
}}
