"""The raw-export contract of docs/DESIGN (shared): export -> columns, key.

The dbt sources (models/staging/*/_*__sources.yml) describe the same contract;
tests/python/test_contract.py checks that both agree.
"""

from __future__ import annotations

EXPORTS: dict[str, dict] = {
    # billing
    "customers": {"system": "billing", "key": ["customer_id"], "columns": [
        "customer_id", "name", "email", "country", "segment",
        "acquisition_channel", "created_at"]},
    "plans": {"system": "billing", "key": ["plan_id"], "columns": [
        "plan_id", "plan_name", "tier", "billing_period_months", "list_price",
        "currency"]},
    "subscriptions": {"system": "billing", "key": ["subscription_id"], "columns": [
        "subscription_id", "customer_id", "plan_id", "quantity", "status",
        "trial_start", "trial_end", "started_at", "current_period_end",
        "canceled_at", "ended_at", "cancel_reason"]},
    "invoices": {"system": "billing", "key": ["invoice_id"], "columns": [
        "invoice_id", "customer_id", "subscription_id", "status", "currency",
        "subtotal", "discount", "tax", "total", "issued_at", "due_at", "paid_at"]},
    "invoice_line_items": {"system": "billing", "key": ["line_item_id"], "columns": [
        "line_item_id", "invoice_id", "subscription_id", "plan_id", "line_type",
        "quantity", "amount", "discount_amount", "currency", "period_start",
        "period_end"]},
    "payments": {"system": "billing", "key": ["payment_id"], "columns": [
        "payment_id", "invoice_id", "customer_id", "payment_type", "status",
        "amount", "currency", "created_at", "failure_reason"]},
    # product
    "users": {"system": "product", "key": ["user_id"], "columns": [
        "user_id", "customer_id", "email", "role", "created_at"]},
    "events": {"system": "product", "key": ["event_id"], "columns": [
        "event_id", "user_id", "customer_id", "event_name", "feature",
        "occurred_at"]},
    # support
    "tickets": {"system": "support", "key": ["ticket_id"], "columns": [
        "ticket_id", "customer_id", "user_id", "status", "priority", "category",
        "channel", "opened_at", "first_response_at", "resolved_at"]},
    "survey_responses": {"system": "support", "key": ["response_id"], "columns": [
        "response_id", "customer_id", "user_id", "survey_type", "score",
        "comment", "responded_at"]},
    # marketing
    "marketing_spend": {"system": "marketing", "key": ["spend_date", "channel"],
                        "columns": ["spend_date", "channel", "amount", "currency"]},
    "email_sends": {"system": "marketing", "key": ["send_id"], "columns": [
        "send_id", "campaign_id", "customer_id", "user_id", "sent_at",
        "delivered", "opened_at", "clicked_at"]},
    # commerce (optional)
    "orders": {"system": "commerce", "key": ["order_id"], "optional": True,
               "columns": ["order_id", "customer_id", "status", "currency",
                           "amount", "ordered_at"]},
    "order_items": {"system": "commerce", "key": ["order_item_id"],
                    "optional": True, "columns": [
                        "order_item_id", "order_id", "product_id", "quantity",
                        "unit_price"]},
    "returns": {"system": "commerce", "key": ["return_id"], "optional": True,
                "columns": ["return_id", "order_item_id", "quantity", "amount",
                            "reason", "returned_at"]},
    "checkouts": {"system": "commerce", "key": ["checkout_id"], "optional": True,
                  "columns": ["checkout_id", "customer_id", "started_at",
                              "order_id"]},
    # reference
    "fx_rates": {"system": "reference", "key": ["rate_date", "currency"],
                 "columns": ["rate_date", "currency", "rate_to_usd"]},
}
