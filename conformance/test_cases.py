"""Every registered conformance case, as one pytest test each."""
import pytest

from conformance.case import all_cases


def _param(case):
    marks = [getattr(pytest.mark, case.area), getattr(pytest.mark,
                                                      case.level.lower())]
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize('case', [_param(c) for c in all_cases()])
def test_case(case, conformance_run):
    conformance_run.check(case)
