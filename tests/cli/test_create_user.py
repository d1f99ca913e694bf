"""`wsoa create-user`: how the first admin gets in."""

from sqlalchemy import select

from tests.conftest import csrf_token_from
from tests.factories import create_role
from wsoa.extensions import db
from wsoa.models import AuditEvent, User

PASSWORD = "tea and toast at eleven"


def test_create_user_makes_an_audited_admin_who_can_sign_in(app, client, database):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "Admin@Example.org", "--name", "First Admin", "--level", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("Created admin admin@example.org")
    assert PASSWORD not in result.stdout

    user = db.session.scalars(select(User)).one()
    assert (user.email, user.name, user.level, user.active) == ("admin@example.org", "First Admin", "admin", True)
    assert user.password_hash.startswith("$argon2id$")
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.event, event.user_id, event.entity_id) == ("user.created", None, user.id)
    assert "password_hash" not in event.after

    token = csrf_token_from(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/sign-in", data={"email": "admin@example.org", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/users").status_code == 200


def test_create_user_gives_a_lead_their_roles(app, database):
    create_role(code="DoP")
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "lead@example.org", "--name", "Lee", "--level", "lead", "--role", "DoP"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert [role.code for role in db.session.scalars(select(User)).one().roles] == ["DoP"]


def test_create_user_refuses_a_short_password_or_a_taken_email_in_one_line(app, database):
    runner = app.test_cli_runner()
    args = ["create-user", "--email", "admin@example.org", "--name", "Admin", "--level", "admin"]
    result = runner.invoke(args=args, input="short\nshort\n")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: Password must be 12 characters or more"
    assert db.session.scalars(select(User)).all() == []

    assert runner.invoke(args=args, input=f"{PASSWORD}\n{PASSWORD}\n").exit_code == 0
    result = runner.invoke(args=args, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: A user with the email address admin@example.org already exists"
    assert "Traceback" not in result.output


def test_create_user_refuses_an_unknown_level(app, database):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "x@example.org", "--name", "X", "--level", "boss", "--password", PASSWORD]
    )
    assert result.exit_code == 2
    assert "'boss' is not one of 'admin', 'editor', 'lead', 'viewer'" in result.stderr


def test_create_user_refuses_a_common_password_or_one_with_the_users_name_and_says_why(app, database):
    runner = app.test_cli_runner()
    args = ["create-user", "--email", "sam.jones@example.org", "--name", "Sam Jones", "--level", "admin"]
    result = runner.invoke(args=args, input="password1234\npassword1234\n")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: Password is too common: it is one of the first that would be guessed. Choose a different one"
    )
    result = runner.invoke(args=args, input="sam jones the admin\nsam jones the admin\n")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: Password must not contain their name or email address, as that is easy to guess"
    )
    assert db.session.scalars(select(User)).all() == []
