"""Planning and the intercept map moved to the ``planning`` app. Only Django's record of the
models moves: the tables keep their names (``planning.models`` sets ``db_table``) and their rows."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('programs', '0003_program_mfa_requirement'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                    model_name='interceptgap',
                    name='program',
                ),
                migrations.RemoveField(
                    model_name='interceptresource',
                    name='organization',
                ),
                migrations.RemoveField(
                    model_name='interceptresource',
                    name='program',
                ),
                migrations.RemoveField(
                    model_name='interceptresource',
                    name='service',
                ),
                migrations.RemoveField(
                    model_name='modeladoption',
                    name='adopted_by',
                ),
                migrations.RemoveField(
                    model_name='modeladoption',
                    name='program',
                ),
                migrations.RemoveField(
                    model_name='planningactivity',
                    name='adoption',
                ),
                migrations.RemoveField(
                    model_name='planningactivity',
                    name='owner',
                ),
                migrations.RemoveField(
                    model_name='planningactivity',
                    name='program',
                ),
                migrations.DeleteModel(
                    name='InterceptAction',
                ),
                migrations.DeleteModel(
                    name='InterceptGap',
                ),
                migrations.DeleteModel(
                    name='InterceptResource',
                ),
                migrations.DeleteModel(
                    name='ModelAdoption',
                ),
                migrations.DeleteModel(
                    name='PlanningActivity',
                ),
            ],
            database_operations=[],
        ),
    ]
