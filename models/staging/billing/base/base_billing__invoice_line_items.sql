{# Validation of raw export `invoice_line_items` by the contract in its
   sources yml (see macro validate_source): one row per distinct raw row,
   typed, with quarantine_reason. #}

{{ retention.validate_source('billing', 'invoice_line_items', parents=[
    ref('base_billing__invoices'),
    ref('base_billing__subscriptions'),
    ref('base_billing__plans'),
    ref('base_reference__fx_rates'),
]) }}
