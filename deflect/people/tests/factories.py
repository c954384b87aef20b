import datetime as dt

import factory
from django.utils import timezone

from deflect.accounts.tests.factories import AgencyFactory, UserFactory
from deflect.people import matching
from deflect.people.consent import DEFAULT_REVOCATION_STATEMENT
from deflect.people.digests import phone_digest_columns
from deflect.people.models import Consent, ConsentPurpose, InformationCategory, Person, PersonAlias
from deflect.programs.tests.factories import ProgramFactory


class PersonFactory(factory.django.DjangoModelFactory):
    """A person with search keys computed as the services compute them."""

    class Meta:
        model = Person

    program = factory.SubFactory(ProgramFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=80)
    phone = ""
    first_key = factory.LazyAttribute(lambda p: matching.person_search_keys(p.first_name, "")[0])
    last_key = factory.LazyAttribute(lambda p: matching.person_search_keys("", p.last_name)[1])
    phone_digest = factory.LazyAttribute(lambda p: phone_digest_columns(p.phone)["phone_digest"])
    phone_tail_digest = factory.LazyAttribute(
        lambda p: phone_digest_columns(p.phone)["phone_tail_digest"]
    )


class PersonAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonAlias

    person = factory.SubFactory(PersonFactory)
    first_name = "Shorty"
    last_name = ""
    first_key = factory.LazyAttribute(lambda a: matching.person_search_keys(a.first_name, "")[0])
    last_key = factory.LazyAttribute(lambda a: matching.person_search_keys("", a.last_name)[1])


class ConsentFactory(factory.django.DjangoModelFactory):
    """A complete §2.31 consent to a treatment provider for treatment and care coordination."""

    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    patient_name = factory.LazyAttribute(lambda c: f"{c.person.first_name} {c.person.last_name}")
    discloser = "Marlow Deflection and its member agencies"
    information = "Referral and intake status; treatment attendance"
    information_categories = factory.LazyFunction(
        lambda: [InformationCategory.REFERRAL, InformationCategory.ATTENDANCE]
    )
    recipient_agency = factory.SubFactory(AgencyFactory)
    recipient_name = factory.LazyAttribute(lambda c: c.recipient_agency.name)
    purposes = factory.LazyFunction(
        lambda: [ConsentPurpose.TREATMENT, ConsentPurpose.CARE_COORDINATION]
    )
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))
    expiry_event = ""
    revocation_statement = DEFAULT_REVOCATION_STATEMENT
    signature_name = factory.LazyAttribute(lambda c: c.patient_name)
    signed_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    attested_by = factory.SubFactory(UserFactory)
