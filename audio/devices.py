"""Sound devices through PortAudio (sounddevice): listing, choosing, and checking them.

Finding out whether anything can play or record is done here, explicitly: the usual TTS
paths fail silently without a sound output, and with no sound server PortAudio lists nothing.
A device counts as usable only if PortAudio lists it *and* accepts a stream configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from audio.errors import DeviceError

PORTAUDIO_HINT = "Debian/Ubuntu: apt-get install libportaudio2; macOS: brew install portaudio"


def sounddevice_module():
    try:
        import sounddevice
    except OSError as exc:  # "PortAudio library not found"
        raise DeviceError(
            "PortAudio is not installed, so no sound device can be used", PORTAUDIO_HINT
        ) from exc
    except ImportError as exc:
        raise DeviceError("the sounddevice package is not installed",
                          "run: pip install 'sounddevice>=0.5,<0.6'") from exc
    return sounddevice


@dataclass(frozen=True)
class Device:
    index: int
    name: str
    inputs: int
    outputs: int
    default_rate: int
    host_api: str
    is_default_input: bool = False
    is_default_output: bool = False


def list_devices() -> list[Device]:
    sd = sounddevice_module()
    default_in, default_out = sd.default.device
    apis = [a["name"] for a in sd.query_hostapis()]
    out = []
    for i, d in enumerate(sd.query_devices()):
        out.append(Device(
            index=i, name=d["name"], inputs=d["max_input_channels"],
            outputs=d["max_output_channels"], default_rate=int(d["default_samplerate"]),
            host_api=apis[d["hostapi"]] if d["hostapi"] < len(apis) else "?",
            is_default_input=i == default_in, is_default_output=i == default_out,
        ))
    return out


def _match(devices: list[Device], spec: str | int) -> Device | None:
    text = str(spec).strip()
    if text.isdigit():
        return next((d for d in devices if d.index == int(text)), None)
    exact = [d for d in devices if d.name == text]
    if exact:
        return exact[0]
    return next((d for d in devices if text.lower() in d.name.lower()), None)


def _listing(devices: list[Device]) -> str:
    return "; ".join(f"{d.index}: {d.name}" for d in devices) or "none"


def find_device(kind: str, spec: str | int | None = None) -> Device | None:
    """The ``input`` or ``output`` device to use, or None when there is none.

    ``spec`` picks a device by index or by (part of) its name; an explicit spec that matches
    nothing is an error listing the devices, while no usable default just returns None.
    """
    sd = sounddevice_module()
    channels_of = (lambda d: d.inputs) if kind == "input" else (lambda d: d.outputs)
    candidates = [d for d in list_devices() if channels_of(d) > 0]
    if spec is not None and str(spec).strip() != "":
        device = _match(candidates, spec)
        if device is None:
            raise DeviceError(f"no {kind} device matches {str(spec)!r}",
                              f"{kind} devices: {_listing(candidates)}")
    else:
        device = next((d for d in candidates if (
            d.is_default_input if kind == "input" else d.is_default_output)), None)
        if device is None:
            return None
    check = sd.check_input_settings if kind == "input" else sd.check_output_settings
    try:
        check(device=device.index, channels=1, samplerate=device.default_rate)
    except Exception as exc:
        if spec is not None:
            raise DeviceError(f"{kind} device {device.name!r} cannot be used: {exc}") from exc
        return None
    return device
