"""Self-reported demographics and contact choices. "Declined" and "unknown" are real answers:
equity analysis depends on telling them apart from a missing value."""

from django.db import models


class Race(models.TextChoices):
    AMERICAN_INDIAN = "american_indian_alaska_native", "American Indian or Alaska Native"
    ASIAN = "asian", "Asian"
    BLACK = "black", "Black or African American"
    MIDDLE_EASTERN = "middle_eastern_north_african", "Middle Eastern or North African"
    PACIFIC_ISLANDER = "native_hawaiian_pacific_islander", "Native Hawaiian or Pacific Islander"
    WHITE = "white", "White"
    MULTIRACIAL = "two_or_more", "Two or more races"
    OTHER = "other", "Another race"
    DECLINED = "declined", "Declined to answer"
    UNKNOWN = "unknown", "Unknown"


class Ethnicity(models.TextChoices):
    HISPANIC = "hispanic_latino", "Hispanic or Latino"
    NOT_HISPANIC = "not_hispanic_latino", "Not Hispanic or Latino"
    DECLINED = "declined", "Declined to answer"
    UNKNOWN = "unknown", "Unknown"


class Gender(models.TextChoices):
    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    TRANS_WOMAN = "transgender_woman", "Transgender woman"
    TRANS_MAN = "transgender_man", "Transgender man"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Another gender"
    DECLINED = "declined", "Declined to answer"
    UNKNOWN = "unknown", "Unknown"


class Insurance(models.TextChoices):
    MEDICAID = "medicaid", "Medicaid"
    MEDICARE = "medicare", "Medicare"
    PRIVATE = "private", "Private insurance"
    VA = "va", "VA / TRICARE"
    UNINSURED = "uninsured", "Uninsured"
    OTHER = "other", "Other"
    DECLINED = "declined", "Declined to answer"
    UNKNOWN = "unknown", "Unknown"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    SOCIAL = "social_media", "Social media message"
    EMAIL = "email", "Email"
    IN_PERSON = "in_person", "In person only"
    NONE = "none", "Does not want contact"
