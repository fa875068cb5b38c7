from flask import Blueprint

bp = Blueprint("flow", __name__)
