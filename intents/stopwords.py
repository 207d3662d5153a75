"""Function words that carry no topic, per language (`intents.normalize` folds them like user text).

People mix languages in one message, so the matcher drops the stop words of all seven languages;
the lists avoid words that are stop words in one language but topical in another.
"""

from __future__ import annotations

RAW_STOP_WORDS: dict[str, str] = {
    "de": """
        ich du er sie es wir ihr mein meine meinen meinem meiner mir mich dich dir sich uns euch
        der die das den dem des ein eine einen einem einer und oder aber in im an am auf aus bei
        mit nach von vom zu zum zur fur uber um wie wo was wann warum wer welche welcher welches
        wohin woher ist bin sind bist war habe hast hat haben hatte kann kannst konnen konnte muss
        musst mussen soll sollte mochte mochten will wollen werden wird wurde bitte gibt man nicht
        kein keine keinen ja nein auch noch schon so dass wenn ob mache machst macht machen tun
        brauche brauchen denn mal da dort hier etwas jetzt nur sehr viel mehr gerne geht gehen
    """,
    "en": """
        i me my mine you your he she it its we our they them their the a an and or but in on at to
        for of from with by about how what where when why who whom which is are am was were be been
        do does did can could should must need want have has had get got please there here this that
        these those if not no yes any some much many will would shall tell know im dont cant my
        so too very just also as into than then all every always time
    """,
    "ar": """
        في من على الى إلى عن مع هل ما ماذا كيف اين أين وين شو ايش إيش متى لماذا ليش انا أنا انت أنت
        هو هي نحن هم هذا هذه ذلك تلك التي الذي الذين و او أو ثم لا نعم لم لن قد كان يكون اريد أريد
        بدي ممكن عندي لي لك كل بعض اي أي يا حتى اذا إذا لو بس كمان شي شيء عايز عاوز ابغى أبغى
        يجب لازم علي عليه فيه فيها منه به له لها هناك حول ازاي كيفيه اعمل بعمل سوي اسوي لو سمحت
        من فضلك الي اللي ايه مين
    """,
    "fa": """
        از به در با برای که این آن را و یا هم تا من تو او ما شما آنها است هست بود شد می چه چی چطور
        چگونه کجا کی چرا آیا باید میخواهم میخوام خواهم دارم میتوانم میتونم کنم کنید کرد کردم یک هر
        اگر ولی اما بله نه لطفا چیست چیه کجاست نیست هستم شود بشه میشه دارید داره ام رو بر پیش
        چند چیزی یه باشه هستش
    """,
    "uk": """
        я ти він вона воно ми ви вони мій моя моє мої мені мене тебе тобі в у на з із зі до за про
        для по від як де що коли чи та і й а але це цей ця ці є бути можу можна треба потрібно хочу
        маю який яка яке які куди чому не так ні будь ласка його її їх вже ще тут там якщо або щоб
        мені нам вам зробити робити отримати підкажіть скажіть
    """,
    "ru": """
        я ты он она оно мы вы они мой моя моё мои мне меня тебя тебе в во на с со к ко до за о об про
        для по от как где что когда ли и а но это этот эта эти есть быть могу можно нужно надо хочу
        какой какая какое какие куда почему не да нет пожалуйста его ее её их уже еще ещё тут там у
        чтобы если или ну вот то же нам вам сделать делать получить
        подскажите скажите
    """,
    "tr": """
        ben sen o biz siz onlar benim bana beni sana seni ve veya ile icin bir bu su ne nasil nerede
        nereye neden niye mi mı mu mü da de ki ama fakat var yok ya gibi kadar cok daha en her hangi
        kim lazim gerek istiyorum olur olabilir misin miyim musun lutfen acaba nedir nerde yapmam
        yapmak yapabilirim
    """,
}

# Greetings, thanks and goodbyes: stop words inside a question, a small-talk intent on their own.
RAW_SMALL_TALK: dict[str, str] = {
    "greeting": """
        hallo hi hey hej moin servus guten tag morgen abend gruss gruess grüß gott hello good morning
        evening afternoon salam salaam salut selam merhaba slm мархаба
        مرحبا مرحبتين اهلا أهلا هلا سلام السلام عليكم صباح الخير مساء النور هاي
        درود بخیر چطوری عليک
        привіт вітаю добрий день ранок вечір здрастуйте здравствуйте привет добрый доброе утро
        iyi gunler gunaydin aksamlar kolay gelsin nasilsin
    """,
    "thanks": """
        danke dankeschön vielen dank thanks thank you thx ty merci
        شكرا شكراً مشكور يعطيك العافية تسلم ممنون مرسی مرسي سپاس متشکرم ممنونم
        дякую спасибо спасибі благодарю
        tesekkurler tesekkur ederim sagol sag ol eyvallah
    """,
    "bye": """
        tschüss tschüs ciao bye goodbye auf wiedersehen bis bald see you
        مع السلامة باي الله معك خداحافظ خدانگهدار
        до побачення бувай пока до свидания
        gule gule hosca kal hoscakal gorusuruz
    """,
    # Words that only soften small talk ("ok thanks", "спасибо большое", "شكرا جزيلا").
    "filler": """
        ok okay okey gut good great super prima klar alles cool nice much lot so sehr vielen many
        большое огромное дуже велике щиро cok çok
        كتير كثير جزيلا جزيلاً خيلي خیلی زیاد زياد
    """,
}
