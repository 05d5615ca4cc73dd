"""E-mail alerts: subscriptions, matching into an outbox, digests, SMTP delivery.

Library code: it takes plain options and raises the typed errors of alerts.errors; the
app shell (scamscope/alerting.py, the CLI, the daemon, the web) turns settings into
options and errors into messages. Everything lives in data_dir/alerts.db.

    alerts.subscriptions  Subscriptions(data_dir): subscribe / list / get / remove /
                          unsubscribe(token, secret); Subscription; normalize_email; is_due
    alerts.tokens         load_secret(data_dir, configured), unsubscribe_token(secret, id),
                          verify_unsubscribe_token(secret, token) -> id (BadToken)
    alerts.matcher        match_subscriptions(subs, index): new_since(watermark) -> outbox
    alerts.digest         create_due_digests(subs, now=...), build_message(subs, id, options)
    alerts.mailer         parse_smtp_url, SMTPMailer, deliver_pending, RetryPolicy
    alerts.runner         AlertOptions, run_pass(data_dir, index, options) -> PassReport
    alerts.errors         AlertError > InvalidSubscription > InvalidEmail; UnknownSubscription;
                          BadToken; MailConfigError; DeliveryError
"""
