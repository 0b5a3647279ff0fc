"""RingCentral: OAuth, SMS, company pager and the message store, as the official SDKs call them."""

NAME = "ringcentral"
