"""Exit 0 if PostgreSQL and Redis answer at the given URLs, 1 otherwise (with why)."""

import sys

import psycopg
import redis


def main(pg_url: str, redis_url: str) -> int:
    """Try one connection to each service."""
    try:
        with psycopg.connect(pg_url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        print(f"PostgreSQL at {pg_url}: {exc}", file=sys.stderr)
        return 1
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        print(f"Redis at {redis_url}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
