import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server unreachable")


class RefusingEmailBackend(BaseEmailBackend):
    """A mail server that refuses the recipient, as Django's SMTP backend reports
    it: the exception names the address."""

    def send_messages(self, email_messages):
        recipients = {
            address: (550, f"5.1.1 <{address}>: user unknown".encode())
            for message in email_messages
            for address in message.recipients()
        }
        raise smtplib.SMTPRecipientsRefused(recipients)
