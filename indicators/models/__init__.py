from indicators.models.collection import (
    DataElement,
    DataSet,
    DataSetElement,
    PeriodType,
    ReminderLog,
    ReportingPeriod,
    Submission,
    SubmissionStatus,
    SubmissionTransition,
    SubmissionValue,
    ValidationRule,
    ValueChange,
    ValueType,
)
from indicators.models.orgs import District, EducationGroup, KindergartenGrade, Ownership, School, SchoolType, Town
from indicators.models.rollup import (
    Direction,
    Indicator,
    IndicatorValue,
    Level,
    LinkMatch,
    RollupDelta,
    RollupRun,
    RunStatus,
    TargetGapNote,
    TargetLink,
    TargetScope,
    TargetStatus,
    TargetStatusValue,
)

__all__ = [
    "DataElement", "DataSet", "DataSetElement", "PeriodType", "ReminderLog", "ReportingPeriod", "Submission",
    "SubmissionStatus", "SubmissionTransition", "SubmissionValue", "ValidationRule", "ValueChange",
    "ValueType", "District", "EducationGroup", "KindergartenGrade", "Ownership", "School", "SchoolType",
    "Town", "Direction", "Indicator", "IndicatorValue", "Level", "RollupDelta", "RollupRun", "RunStatus",
    "TargetGapNote", "TargetLink", "TargetStatus", "TargetStatusValue", "TargetScope", "LinkMatch",
]
