"""Storage: the SQLAlchemy 2.x models (``models``), the engines, transactions and SQLite's
writer queue (``db``), shared queries (``queries``), column types (``types``), bulk loads
for imports (``bulk``) and the Alembic migrations (``migrations``). SQLite is the embedded
default, PostgreSQL the production engine. It may import ``policy`` (for the values it
stores) and nothing else of ours: no Slack, no use case."""
