from django.db import models


class Outcome(models.TextChoices):
    """What happened in the end, recorded honestly: equity analysis needs the counterfactual."""

    REFERRED = "referred", "Referred to treatment or services"
    DECLINED = "declined", "Person declined"
    HARM_REDUCTION_ONLY = "harm_reduction_only", "Harm-reduction supplies only"
    TRANSPORTED_ED = "transported_ed", "Transported to emergency department"
    ARRESTED = "arrested", "Arrested"
    NO_CONTACT = "no_contact", "Could not make contact"


class NaloxoneResponse(models.TextChoices):
    RESPONDED = "responded", "Responded (breathing restored)"
    PARTIAL = "partial", "Partial response"
    NO_RESPONSE = "no_response", "No response"
    NOT_GIVEN = "not_given", "Naloxone not given"


class ArrivalMode(models.TextChoices):
    WALK_IN = "walk_in", "Walked in"
    PHONE = "phone", "Called"
    BROUGHT_BY_FAMILY = "brought_by_family", "Brought by family or friend"


class OffenseLevel(models.TextChoices):
    FELONY = "felony", "Felony"
    MISDEMEANOR = "misdemeanor", "Misdemeanor"
    VIOLATION = "violation", "Violation / infraction"
    ORDINANCE = "ordinance", "Municipal ordinance"


class OfficerDecision(models.TextChoices):
    TREATMENT_IN_LIEU = "treatment_in_lieu_of_arrest", "Treatment in lieu of arrest"
    CIVIL_CITATION = "civil_citation", "Non-criminal (civil) citation"
    NOT_ELIGIBLE_ARREST = "not_eligible_arrest", "Not eligible — arrest"
    PERSON_DECLINED = "person_declined", "Person declined"


class ReferralContext(models.TextChoices):
    PATROL = "patrol", "On patrol"
    SERVICE_CALL = "service_call", "Service call"
    MEDICAL_CALL = "medical_call", "Medical call"
    OTHER = "other", "Other"


class Offer(models.TextChoices):
    TREATMENT = "treatment", "Treatment"
    SERVICES = "services", "Social services"
    CASE_MANAGER = "case_manager", "Case manager"
    PEER_SUPPORT = "peer_support", "Peer recovery support"
    HARM_REDUCTION = "harm_reduction", "Harm-reduction supplies"


class IdentifiedVia(models.TextChoices):
    PRIOR_CONTACT = "prior_contact", "Prior contact"
    OVERDOSE_LIST = "overdose_list", "Overdose list"
    COMMUNITY_TIP = "community_tip", "Community tip"
    FAMILY_REQUEST = "family_request", "Family request"
    OTHER = "other", "Other"


class ContactResult(models.TextChoices):
    ENGAGED = "engaged", "Contacted and engaged"
    CONTACTED_DECLINED = "contacted_declined", "Contacted, declined"
    NOT_FOUND = "not_found", "Not found"
    LEFT_INFORMATION = "left_information", "Left information"


class CallSource(models.TextChoices):
    EMERGENCY_911 = "911", "911"
    CRISIS_988 = "988", "988"
    NON_EMERGENCY = "non_emergency", "Non-emergency line"
    WALK_UP = "walk_up", "Walk-up"


class CallType(models.TextChoices):
    CRISIS = "crisis", "Behavioral health crisis"
    WELFARE_CHECK = "welfare_check", "Welfare check"
    CONFLICT_MEDIATION = "conflict_mediation", "Conflict mediation"
    QUALITY_OF_LIFE = "quality_of_life", "Quality of life"


class TeamMember(models.TextChoices):
    CRISIS_WORKER = "crisis_worker", "Crisis worker"
    CLINICIAN = "clinician", "Clinician"
    PEER = "peer", "Peer specialist"
    CREDIBLE_MESSENGER = "credible_messenger", "Credible messenger"
    MEDIC = "medic", "Medic / EMT"
    OFFICER = "officer", "Law enforcement officer"


class DeescalationOutcome(models.TextChoices):
    RESOLVED_ON_SCENE = "resolved_on_scene", "Resolved on scene"
    REFERRED = "referred", "Referred to services"
    TRANSPORTED_CRISIS = "transported_crisis", "Transported to crisis center"
    TRANSPORTED_ED = "transported_ed", "Transported to emergency department"
    POLICE_TOOK_OVER = "police_took_over", "Handed to police"
