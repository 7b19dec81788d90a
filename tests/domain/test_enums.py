"""The vocabularies and their Chinese names."""

from __future__ import annotations

from app.domain.enums import (
    CERTIFICATE_STATUS_NAMES_ZH,
    DOCUMENT_NAMES_ZH,
    ENTERPRISE_TYPE_NAMES_ZH,
    GRADE_NAMES_ZH,
    REQUIRED_DOCUMENTS,
    CertificateStatus,
    DocumentCode,
    EnterpriseType,
    Grade,
    grade_rank,
)


def test_grades_compare_by_rank_fail_lowest() -> None:
    assert [g.value for g in sorted(Grade, key=grade_rank)] == [
        "fail",
        "compliant",
        "three_star",
        "four_star",
        "five_star",
    ]
    assert Grade.FAIL.rank == 0 < Grade.COMPLIANT.rank < Grade.FIVE_STAR.rank == 4


def test_chinese_names() -> None:
    assert [GRADE_NAMES_ZH[g] for g in Grade] == ["不合格", "达标", "三星级", "四星级", "五星级"]
    assert Grade.THREE_STAR.name_zh == "三星级"
    assert [CERTIFICATE_STATUS_NAMES_ZH[s] for s in CertificateStatus] == [
        "有效", "暂停", "撤销", "注销", "过期", "已换证",
    ]  # fmt: skip
    assert ENTERPRISE_TYPE_NAMES_ZH[EnterpriseType.PRODUCTION] == "生产型企业"
    assert set(DOCUMENT_NAMES_ZH) == set(DocumentCode)


def test_documents() -> None:
    assert len(DocumentCode) == 11
    assert len(REQUIRED_DOCUMENTS) == 9
    assert set(DocumentCode) - REQUIRED_DOCUMENTS == {
        DocumentCode.PERMITS,
        DocumentCode.OTHER_CERTIFICATES,
    }
