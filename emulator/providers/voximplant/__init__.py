"""Voximplant Management API: SMS, A2P SMS and phone numbers, as the official clients call them."""

NAME = "voximplant"
