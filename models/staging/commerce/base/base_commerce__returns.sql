{# Validation of raw export `returns` by the contract in its
   sources yml (see macro validate_source): one row per distinct raw row,
   typed, with quarantine_reason. #}

{{ retention.validate_source('commerce', 'returns', parents=[
    ref('base_commerce__order_items'),
]) }}
