"""Delivery counts of running tasks, so a task that kills its worker cannot loop forever."""

from django.db import models


class TaskDelivery(models.Model):
    task_id = models.CharField(max_length=255, primary_key=True)
    task_name = models.CharField(max_length=255)
    deliveries = models.PositiveIntegerField(default=0)
    first_delivered = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.task_name}[{self.task_id}] x{self.deliveries}"
