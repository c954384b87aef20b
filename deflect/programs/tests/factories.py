import factory

from deflect.core.models import Pathway
from deflect.programs.models import Program, ProgramAgency, ProgramPathway


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Program {n}")
    jurisdiction = "Test County"

    @factory.post_generation
    def agencies(obj, create, extracted, **kwargs):
        for agency in extracted or []:
            ProgramAgency.objects.create(program=obj, agency=agency)

    @factory.post_generation
    def pathways(obj, create, extracted, **kwargs):
        for pathway in extracted if extracted is not None else Pathway.values:
            ProgramPathway.objects.create(program=obj, pathway=pathway)
