"""Texts store their line breaks as \\n (institutions.models.PlainTextField).

Rows saved from the admin before held a browser's \\r\\n, which made a page
one paragraph: they are repaired here, in every language.
"""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Replace

import institutions.models

TEXTS = {
    "institution": "name_note",
    "programme": "description",
    "section": "body",
}


def plain_newlines(apps, schema_editor):
    for model_name, field in TEXTS.items():
        model = apps.get_model("institutions", model_name)
        for column in (field, f"{field}_en", f"{field}_zh_hans"):
            crlf = Replace(F(column), Value("\r\n"), Value("\n"))
            model.objects.filter(**{f"{column}__contains": "\r"}).update(
                **{column: Replace(crlf, Value("\r"), Value("\n"))}
            )


class Migration(migrations.Migration):

    dependencies = [
        ('institutions', '0004_directory_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='institution',
            name='name_note',
            field=institutions.models.PlainTextField(blank=True, help_text='A change of name, or a name that is easily confused.', verbose_name='note on the name'),
        ),
        migrations.AlterField(
            model_name='institution',
            name='name_note_en',
            field=institutions.models.PlainTextField(blank=True, help_text='A change of name, or a name that is easily confused.', null=True, verbose_name='note on the name'),
        ),
        migrations.AlterField(
            model_name='institution',
            name='name_note_zh_hans',
            field=institutions.models.PlainTextField(blank=True, help_text='A change of name, or a name that is easily confused.', null=True, verbose_name='note on the name'),
        ),
        migrations.AlterField(
            model_name='programme',
            name='description',
            field=institutions.models.PlainTextField(blank=True, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='programme',
            name='description_en',
            field=institutions.models.PlainTextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='programme',
            name='description_zh_hans',
            field=institutions.models.PlainTextField(blank=True, null=True, verbose_name='description'),
        ),
        migrations.AlterField(
            model_name='section',
            name='body',
            field=institutions.models.PlainTextField(help_text='Plain text; paragraphs separated by a blank line.', verbose_name='text'),
        ),
        migrations.AlterField(
            model_name='section',
            name='body_en',
            field=institutions.models.PlainTextField(help_text='Plain text; paragraphs separated by a blank line.', null=True, verbose_name='text'),
        ),
        migrations.AlterField(
            model_name='section',
            name='body_zh_hans',
            field=institutions.models.PlainTextField(help_text='Plain text; paragraphs separated by a blank line.', null=True, verbose_name='text'),
        ),
        migrations.RunPython(plain_newlines, migrations.RunPython.noop),
    ]
