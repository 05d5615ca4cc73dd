"""Alerts: subscriptions, matching into an outbox, digests, delivery by e-mail or webhook.

Library code: it takes plain options and raises the typed errors of alerts.errors; the
app shell (scamscope/alerting.py, the CLI, the daemon, the web) turns settings into
options and errors into messages. Everything lives in data_dir/alerts.db.

Three rooms:
    alerts.store          AlertStore: every SQL statement, one transaction per operation
    alerts.outbox         deliver_pending (sent / retry with backoff / park), RetryPolicy
    alerts.channels       Channel: the interface of alerts.mailer.EmailChannel (SMTP) and
                          alerts.webhook.WebhookChannel (signed JSON POST)
and around them:
    alerts.subscriptions  Subscriptions(data_dir): subscribe / list / listing / get / remove /
                          unsubscribe(token, secret); Subscription; normalize_email; is_due
    alerts.tokens         load_secret(data_dir, configured), unsubscribe_token(secret, id),
                          verify_unsubscribe_token(secret, token) -> id (BadToken)
    alerts.matcher        match_subscriptions(subs, index): new_since(watermark) -> outbox
    alerts.digest         create_due_digests, load_digest, build_message, build_payload
    alerts.runner         AlertOptions, run_pass(data_dir, index, options) -> PassReport
    alerts.errors         AlertError > InvalidSubscription > InvalidEmail, InvalidWebhook;
                          UnknownSubscription; BadToken; MailConfigError; DeliveryError
"""
