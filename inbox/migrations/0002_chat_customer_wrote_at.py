from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery


def backfill(apps, schema_editor):
    """Existing chats the customer wrote in stay in the inbox: their last inbound message dates it."""
    Chat = apps.get_model("inbox", "Chat")
    Message = apps.get_model("inbox", "Message")
    last_in = (Message.objects.filter(chat=OuterRef("pk"), direction="in").values("chat")
               .annotate(at=Max("timestamp")).values("at")[:1])
    Chat.objects.filter(messages__direction="in").distinct().update(customer_wrote_at=Subquery(last_in))


class Migration(migrations.Migration):

    dependencies = [
        ('inbox', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='chat',
            name='customer_wrote_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='chat',
            index=models.Index(fields=['workspace', 'phone'], name='inbox_chat_workspa_a2fb18_idx'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
