"""Filtering the audit trail: a GET form whose values live in the query string, so a filtered view can be shared."""

from flask_wtf import FlaskForm
from wtforms.validators import StopValidation

from wsoa.forms import fields, select_choices
from wsoa.forms.periods import GovDateField
from wsoa.services.audit_log import SYSTEM, AuditFilterOptions, AuditFilters

FILTER_FIELDS = ("entity_type", "event", "user", "from_date", "to_date")
ANY = ""


def entity_label(entity_type: str) -> str:
    known = {"progressupdate": "Progress update", "reviewperiod": "Review period", "importbatch": "Import batch"}
    known |= {"kpivalue": "KPI value", "kpi": "KPI", "actionlead": "Action lead", "roleholder": "Role holder"}
    known |= {"publicpage": "Public page", "publictext": "Public page text", "publictextversion": "Public page text"}
    known |= {"publictextapproval": "Public page approval"}
    return known.get(entity_type, entity_type.replace("_", " ").capitalize())


def event_label(event: str) -> str:
    return event.replace(".", ": ", 1).replace("_", " ").capitalize()


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a search: nothing changes

    entity_type = fields.dropdown("What changed", validate_choice=False)
    event = fields.dropdown("Event", validate_choice=False)
    user = fields.dropdown("Who", validate_choice=False)
    from_date = GovDateField("From date", description="For example, 1 3 2021")
    to_date = GovDateField("To date", description="For example, 31 3 2021")
    submit = fields.submit_button("Filter")

    def offer(self, options: AuditFilterOptions) -> None:
        self.entity_type.choices = select_choices(
            [(ANY, "Anything"), *((kind, entity_label(kind)) for kind in options.entity_types)]
        )
        self.event.choices = select_choices([(ANY, "Any event"), *((e, event_label(e)) for e in options.events)])
        self.user.choices = select_choices(
            [(ANY, "Anyone"), (SYSTEM, "The system (imports and commands)"), *((str(i), n) for i, n in options.users)]
        )

    def validate_to_date(self, field):
        if field.data and self.from_date.data and field.data < self.from_date.data:
            raise StopValidation("To date must be the same as or after the from date")

    def filters(self) -> AuditFilters:
        """The filters that were given and make sense; a date with a problem is left out."""
        user = self.user.data or None
        if user and user != SYSTEM:
            # An id that cannot be a user matches nothing (and never overflows the database's integers).
            user = int(user) if user.isdigit() and len(user) < 10 else -1
        return AuditFilters(
            entity_type=self.entity_type.data or None,
            event=self.event.data or None,
            user=user,
            date_from=None if self.from_date.errors else self.from_date.data,
            date_to=None if self.to_date.errors else self.to_date.data,
        )
