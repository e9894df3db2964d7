# One image for web, worker and beat; the command differs per service (see docker-compose.yml).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmariadb-dev pkg-config build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=false SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789 \
    python manage.py collectstatic --noinput
EXPOSE 8000
# Workers, worker class and backlog: config/gunicorn.conf.py (WEB_WORKERS sets the worker count).
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
