"""One Spark session configured to work offline on a laptop as on a cluster.

The known traps (see DEPENDENCIES.md): workers must run this interpreter (else they import the
system Python and miss marsad and pyarrow), the host name may resolve oddly (bind the driver to
127.0.0.1 for `local[N]`), the web UI is not wanted, and a few shuffle partitions suit a small
input; nothing is fetched through ivy/Maven.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import Any

from marsad.errors import E_UNAVAILABLE, MarsadError


class SparkUnavailable(MarsadError):
    """PySpark (or Java) is not installed."""

    code = E_UNAVAILABLE
    http_status = 503


def spark_session(master: str = "local[2]", *, app: str = "marsad",
                  partitions: int = 8) -> Any:
    """The active session, or a new one for `master` (local[N], spark://..., yarn)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable("PySpark is not installed",
                               "pip install 'marsad[spark]' (and Java 17)") from exc
    # pyspark warns about pandas 3 on import; marsad uses no pandas API of pyspark
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (SparkSession.builder.appName(app).master(master)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", str(partitions))
               .config("spark.python.worker.reuse", "true"))   # the NER model loads once
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = builder.config("spark.driver.host", "127.0.0.1")
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - Java missing, bad master: py4j raises many types
        raise SparkUnavailable(f"cannot start Spark ({master}): {' '.join(str(exc).split())[:300]}",
                               "is Java 17 installed (java -version)? is the master URL right?"
                               ) from exc
    session.sparkContext.setLogLevel("ERROR")
    return session
