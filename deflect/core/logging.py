import logging


class OneLineFilter(logging.Filter):
    """Escapes CR/LF in log messages so user input can never forge a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "\n" in message or "\r" in message:
            record.msg = message.replace("\r", "\\r").replace("\n", "\\n")
            record.args = None
        return True


def clean(value: object, limit: int = 200) -> str:
    """A user-supplied value made safe to put in a log line."""
    text = str(value)[:limit]
    return text.replace("\r", "\\r").replace("\n", "\\n")
