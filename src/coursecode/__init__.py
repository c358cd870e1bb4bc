"""coursecode: the tested package behind the course site.

It picks the database a snippet talks to (:mod:`coursecode.db`), provides a PostgreSQL server when
none is configured (:mod:`coursecode.postgres`), builds the sample shop data set
(:mod:`coursecode.shop`), measures things (:mod:`coursecode.measure`, :mod:`coursecode.bench`) and
offers a small command line (:mod:`coursecode.cli`).
"""

__version__ = "0.1.0"
