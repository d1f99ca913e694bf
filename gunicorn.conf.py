"""How `gunicorn 'wsoa:create_app()'` serves the tracker; gunicorn reads this file from the directory it starts in.

A board paper's PDF takes under a second for a typical plan and a few seconds for a 1,000-action one
(benchmarks/bench_reports.py). gunicorn's own defaults (one worker of the sync class, killed after 30 s) would make
everyone else wait while one paper is written, and would kill the worker part-way through a large one. Threaded
workers keep answering other people meanwhile, and a thread busy with a long request does not count as a stuck
worker. Each setting can be changed on gunicorn's command line or, for the worker count, with WEB_CONCURRENCY.
"""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = 4
# Only a worker that stops answering gunicorn altogether is restarted after this; requests may run longer.
timeout = 120
# A large paper's report model and charts are not all given back to the system afterwards (the PDF is typeset in a
# process of its own, which is), so each worker is replaced now and then.
max_requests = 2000
max_requests_jitter = 200
