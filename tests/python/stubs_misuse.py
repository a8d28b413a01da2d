"""Misuses of the generated classes: `mypy --strict` must report an error
on each line marked `# error`, and on no other line."""
from market.common import Address, Level, Money, Tag
from market.models import Client, Just, Maybe, Wrapper

Money("1999", "EUR")  # error
Address("Main St 1", "Springfield", 12345)  # error
Tag("red")  # error
print(Level.MEDIUM)  # error
wrapped: Wrapper[int] = Wrapper("text", "label")  # error
client = Client("Ada", "ada@example.com", "Ada L.", True)
print(client.email)  # error
maybe: Maybe[str] = Just(5)  # error
Money(1999, "EUR").amount = "many"  # error
