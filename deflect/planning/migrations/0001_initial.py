"""The planning app takes over the planning and intercept-map models from ``programs``.

The tables already exist under their old names (``programs_modeladoption``, …); this migration
only records the models in Django's state, and moves their content types (and so their
permissions and admin log entries) from ``programs`` to ``planning``."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["modeladoption", "planningactivity", "interceptresource", "interceptgap", "interceptaction"]


def _move_content_types(apps, schema_editor, source, target):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if content_type.objects.using(db).filter(app_label=target, model=model).exists():
            continue
        content_type.objects.using(db).filter(app_label=source, model=model).update(
            app_label=target
        )


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "programs", "planning")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "planning", "programs")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('programs', '0004_programs_planning_moved_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('resources', '0003_mou_status_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ModelAdoption',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('code', models.CharField(max_length=40)),
                        ('name', models.CharField(max_length=200)),
                        ('kind', models.CharField(choices=[('model', 'Planning model'), ('practice', 'Optional practices')], max_length=10)),
                        ('description', models.TextField(blank=True)),
                        ('adopted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='adoptions', to='programs.program')),
                    ],
                    options={
                        'db_table': 'programs_modeladoption',
                        'ordering': ['kind', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='PlanningActivity',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('code', models.CharField(blank=True, help_text='Empty for added activities.', max_length=60)),
                        ('position', models.PositiveIntegerField(default=0)),
                        ('category', models.CharField(blank=True, max_length=40)),
                        ('title', models.CharField(max_length=500)),
                        ('details', models.TextField(blank=True)),
                        ('evidence_hint', models.CharField(blank=True, max_length=300)),
                        ('due_date', models.DateField(blank=True, null=True)),
                        ('status', models.CharField(choices=[('not_started', 'Not started'), ('in_progress', 'In progress'), ('done', 'Done'), ('not_applicable', 'Not applicable')], default='not_started', max_length=20)),
                        ('notes', models.TextField(blank=True)),
                        ('evidence_file', models.FileField(blank=True, upload_to='planning-evidence/%Y/%m/')),
                        ('evidence_url', models.CharField(blank=True, max_length=500)),
                        ('evidence_label', models.CharField(blank=True, max_length=200)),
                        ('completed_at', models.DateTimeField(blank=True, null=True)),
                        ('adoption', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='activities', to='planning.modeladoption')),
                        ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='activities', to='programs.program')),
                    ],
                    options={
                        'db_table': 'programs_planningactivity',
                        'ordering': ['adoption', 'position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='InterceptAction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('intercept', models.PositiveSmallIntegerField(choices=[(0, 'Intercept 0 · Community services'), (1, 'Intercept 1 · Law enforcement'), (2, 'Intercept 2 · Initial detention / first court appearance'), (3, 'Intercept 3 · Jails and courts'), (4, 'Intercept 4 · Reentry'), (5, 'Intercept 5 · Community corrections')])),
                        ('title', models.CharField(max_length=300)),
                        ('due_date', models.DateField(blank=True, null=True)),
                        ('done_at', models.DateTimeField(blank=True, null=True)),
                        ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='intercept_actions', to='programs.program')),
                    ],
                    options={
                        'db_table': 'programs_interceptaction',
                        'ordering': ['intercept', 'done_at', 'due_date', 'id'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('intercept__gte', 0), ('intercept__lte', 5)), name='intercept_action_range')],
                    },
                ),
                migrations.CreateModel(
                    name='InterceptGap',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('intercept', models.PositiveSmallIntegerField(choices=[(0, 'Intercept 0 · Community services'), (1, 'Intercept 1 · Law enforcement'), (2, 'Intercept 2 · Initial detention / first court appearance'), (3, 'Intercept 3 · Jails and courts'), (4, 'Intercept 4 · Reentry'), (5, 'Intercept 5 · Community corrections')])),
                        ('description', models.TextField()),
                        ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='intercept_gaps', to='programs.program')),
                    ],
                    options={
                        'db_table': 'programs_interceptgap',
                        'ordering': ['intercept', 'id'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('intercept__gte', 0), ('intercept__lte', 5)), name='intercept_gap_range')],
                    },
                ),
                migrations.CreateModel(
                    name='InterceptResource',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('intercept', models.PositiveSmallIntegerField(choices=[(0, 'Intercept 0 · Community services'), (1, 'Intercept 1 · Law enforcement'), (2, 'Intercept 2 · Initial detention / first court appearance'), (3, 'Intercept 3 · Jails and courts'), (4, 'Intercept 4 · Reentry'), (5, 'Intercept 5 · Community corrections')])),
                        ('name', models.CharField(max_length=300)),
                        ('description', models.TextField(blank=True)),
                        ('organization', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='resources.organization')),
                        ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='intercept_resources', to='programs.program')),
                        ('service', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='resources.service')),
                    ],
                    options={
                        'db_table': 'programs_interceptresource',
                        'ordering': ['intercept', 'name'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('intercept__gte', 0), ('intercept__lte', 5)), name='intercept_resource_range')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='modeladoption',
                    constraint=models.UniqueConstraint(fields=('program', 'code'), name='model_adoption_unique'),
                ),
                migrations.AddConstraint(
                    model_name='modeladoption',
                    constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['model', 'practice'])), name='model_adoption_kind_valid'),
                ),
                migrations.AddIndex(
                    model_name='planningactivity',
                    index=models.Index(fields=['program', 'status'], name='activity_program_status_idx'),
                ),
                migrations.AddConstraint(
                    model_name='planningactivity',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['not_started', 'in_progress', 'done', 'not_applicable'])), name='activity_status_valid'),
                ),
                migrations.AddConstraint(
                    model_name='planningactivity',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('completed_at__isnull', False), ('status', 'done')), models.Q(models.Q(('status', 'done'), _negated=True), ('completed_at__isnull', True)), _connector='OR'), name='activity_completed_when_done'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
