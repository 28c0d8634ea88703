"""Everything the bot posts, composed in one place from the current state: the
contractor's receipt and thread (``contractor``), the staff cards (``cards``), refusals
(``refusals``), the shared words of the lifecycle (``words``), modals, the App Home and
reports. Outside text is always escaped (``text.escape``)."""
