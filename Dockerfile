# starcert: slim, non-root; applies migrations, then serves with uvicorn.
#   docker build -t starcert .
#   docker run -p 8000:8000 -e STARCERT_DATABASE_URL=postgresql://user@db:5432/starcert starcert
FROM python:3.11-slim AS build
ENV UV_PROJECT_ENVIRONMENT=/opt/venv UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project
COPY app ./app
RUN uv sync --locked --no-dev

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 starcert
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --chown=starcert:starcert app ./app
COPY --chown=starcert:starcert migrations ./migrations
COPY --chown=starcert:starcert alembic.ini pyproject.toml ./
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    STARCERT_HOST=0.0.0.0 \
    STARCERT_PORT=8000 \
    STARCERT_DATABASE_URL=sqlite:////app/data/starcert.db
RUN mkdir -p /app/data && chown starcert:starcert /app/data
USER starcert
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"STARCERT_PORT\"]}/readyz', timeout=2)"
CMD ["sh", "-c", "starcert migrate && exec starcert serve"]
