import pytest
from tests.workers import celery_worker, redis_reachable

@pytest.mark.worker
@pytest.mark.parametrize("broker", ["embedded", "redis"])
def test_round_trip(transactional_db, broker):
    with celery_worker(broker) as w:
        w.round_trip()
        print(w.log()[-1500:])
