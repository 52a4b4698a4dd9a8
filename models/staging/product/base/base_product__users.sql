{# Validation of raw export `users` by the contract in its
   sources yml (see macro validate_source): one row per distinct raw row,
   typed, with quarantine_reason. #}

{{ retention.validate_source('product', 'users', parents=[
    ref('base_billing__customers'),
]) }}
