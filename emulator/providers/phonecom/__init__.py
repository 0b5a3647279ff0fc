"""Phone.com API v4: account and extension SMS, phone numbers and extensions, with bearer-token scopes."""

NAME = "phonecom"
