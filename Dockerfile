# Gatehouse: one image for every role (README: Running it for real). Its default command serves
# the API; docker-compose.yml runs the same image as the one-off migration
# (`flask --app wsgi db upgrade`) and as the job workers (`python worker.py`).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    APP_ENV=production

WORKDIR /app

# Install dependencies (every one has a wheel for linux/amd64 and arm64: no compiler needed)
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# Copy application code (.dockerignore keeps tests, bench, .git, .venv and local files out)
COPY . .

# Create non-root user. The code stays owned by root, so the service cannot
# rewrite itself; it writes only to /tmp (gunicorn's metrics directory).
RUN useradd --create-home --uid 1000 appuser
USER appuser

# Health check (no curl in the slim image: Python asks /health itself)
HEALTHCHECK --interval=30s --timeout=10s --start-period=40s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=5)"]

EXPOSE 8000

CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
